/**
 * The conductor-oss server version this project is tested against and deploys: the one place it
 * is named. The conformance suite starts this version's boot jar, `deploy/docker-compose.yml`
 * runs this version's image (a test keeps the two equal).
 *
 * 3.32.3 because it is the newest conductor-oss release whose boot jar
 * (`org.conductoross:conductor-server:3.32.3:jar:boot`) Maven Central serves here; the
 * conformance suite proves every behaviour this library claims against it.
 */
export const CONDUCTOR_VERSION = '3.32.3';

/** The Maven coordinates of a conductor-oss server's self-contained Spring Boot jar. */
export function conductorArtifact(version: string = CONDUCTOR_VERSION): string {
  return `org.conductoross:conductor-server:${version}:jar:boot`;
}
