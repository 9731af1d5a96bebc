/** ClaimflowData: the retained data stack (key, tables, buckets, backups). */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Data } from '../constructs/data';

export interface DataStackProps extends StackProps {
  namePrefix: string;
}

export class DataStack extends Stack {
  readonly data: Data;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.data = new Data(this, 'Data', { namePrefix: props.namePrefix });
  }
}
