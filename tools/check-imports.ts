import { checkTree } from './import-rules';

const violations = checkTree(process.cwd());
for (const v of violations) console.error(`${v.file}:${v.line}  "${v.specifier}"  ${v.rule}`);
if (violations.length > 0) {
  console.error(`\n${violations.length} import-direction violation(s).`);
  process.exit(1);
}
console.log('Import direction: OK');
