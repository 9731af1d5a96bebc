/** CDK entry point (cdk.json "app"): builds the claimflow app and synthesizes it. */
import { createApp } from './create-app';

const { app } = createApp();
app.synth();
