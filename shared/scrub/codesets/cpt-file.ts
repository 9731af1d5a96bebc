/** Read a deployer-supplied CPT list (one code per line) from a file. Not shipped with codes. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type CptList, parseCptList } from './cpt';

export const loadCptListFile = (path: string): CptList =>
  parseCptList(readFileSync(path, 'utf8'), basename(path));
