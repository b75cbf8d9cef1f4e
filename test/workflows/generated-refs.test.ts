/**
 * No K1 definition depends on a reference name the server makes up. conductor-oss 3.32.3 names a
 * dynamic fork's tasks `_<task>_<i>` for the first dynamic fork of a run and `_<forkRef>_<task>_<i>`
 * for later ones (ForkJoinDynamicTaskMapper, the `hasMoreThanOneFork` branch), so a definition that
 * looks up `_device_health_check_<i>` works in one place of a workflow and reads nothing in
 * another: every approved multi-stage-deployment rolled production back that way. What a fork's
 * tasks produce is read from the fork's `<ref>_results` list, by value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * A generated dynamic-fork reference, written out or built: `_name_0`, jq `_name_\($i)`,
 * JavaScript `"_name_" + i` or `` `_name_${i}` ``, or a template `` `_${task}_${i}` ``.
 */
const GENERATED_REF = /(?<![A-Za-z0-9_$.])_[A-Za-z][A-Za-z0-9_-]*_(?:\d+(?![A-Za-z])|\\\(|\$\{|["'`]\s*\+)|[`'"]_\$\{[^}]+\}_/;

/** Every string in a JSON value (keys too), with where it is. */
function strings(value: unknown, path: string): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [{ path: `${path}.${k} (key)`, text: k }, ...strings(v, `${path}.${k}`)]);
  }
  return [];
}

const files = (dir: string, ext: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));

describe('generated task reference names', () => {
  it('the check finds the lookups multi-stage-deployment and aggregate_artifacts used to make', () => {
    const before = [
      '.devices as $devices | .results as $results | [range(0; $devices | length) | . as $i | ($results["_device_health_check_\\($i)"] // {}) as $r',
      '{"firmware_builds": {"_platformio_compile_0": {}}}',
      'const key = `_${platformioCompile.name}_${i}`;',
      "results['_production_verification_device_health_check_' + i]",
      'const ref = `_deploy_firmware_ota_${i}`;',
    ];
    expect(before.filter((text) => !GENERATED_REF.test(text))).toEqual([]);
    const fine = ['${production_verification_results.output.result}', '$.rollback_queue_rest.result.remaining > 0', '__index', 'max_fps_drop_percent', 'esp32-s3-devkitc-1', '${s.x_join.output}'];
    expect(fine.filter((text) => GENERATED_REF.test(text))).toEqual([]);
  });

  it('no generated workflow or task definition names a dynamically forked task', () => {
    const found = [...files('generated/workflows', '.json'), ...files('generated/tasks', '.json')].flatMap((file) =>
      strings(JSON.parse(readFileSync(join(ROOT, file), 'utf8')), file)
        .filter((s) => GENERATED_REF.test(s.text))
        .map((s) => `${s.path}: ${s.text.match(GENERATED_REF)?.[0]}`),
    );
    expect(found).toEqual([]);
  });

  it('no K1 definition or worker binding builds such a name in code', () => {
    const found = files('definitions', '.ts').flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (GENERATED_REF.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});
