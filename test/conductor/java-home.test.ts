import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findJava, javaMajorOf } from '../../src/conductor/java-home.ts';
import { fakeJdk } from './fake-jdk.ts';

const root = mkdtempSync(join(tmpdir(), 'k1-jvm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findJava', () => {
  const jvm = join(root, 'jvm');
  const jdk17 = fakeJdk(jvm, 'java-17-openjdk-amd64', '17.0.15');
  const jdk25 = fakeJdk(jvm, 'temurin-25-jdk-amd64', '25.0.1');
  const jdk21 = fakeJdk(join(root, 'elsewhere'), 'jdk-21', '21.0.4');
  const old = fakeJdk(join(root, 'old'), 'jdk8', '1.8.0_392');

  it('reads the major version from the release file, Java 8 style included', () => {
    expect(javaMajorOf(jdk25)).toBe(25);
    expect(javaMajorOf(old)).toBe(8);
    expect(javaMajorOf(root)).toBeUndefined();
  });

  it('takes JAVA_HOME when it is Java 21 or later', () => {
    expect(findJava({ JAVA_HOME: jdk21, PATH: join(jdk17, 'bin') })).toEqual({ home: jdk21, java: join(jdk21, 'bin', 'java'), major: 21 });
  });

  it('otherwise takes the newest JDK beside the default java (a Java 17 on PATH, a Temurin 25 beside it)', () => {
    expect(findJava({ JAVA_HOME: old, PATH: `/nonexistent:${join(jdk17, 'bin')}` }).home).toBe(jdk25);
  });

  it('names what it found and what is missing when nothing is new enough', () => {
    const lonely = fakeJdk(join(root, 'lonely'), 'java-17', '17.0.2');
    expect(() => findJava({ PATH: join(lonely, 'bin') })).toThrow(
      `The Conductor server needs Java 21 or later; found only ${lonely} (Java 17). Install a JDK 21+ (e.g. Temurin) and set JAVA_HOME to it.`,
    );
    expect(() => findJava({ PATH: '/nonexistent' })).toThrow('found no JDK (no JAVA_HOME, no java on PATH)');
  });
});
