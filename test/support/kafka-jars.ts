// Fetches the Apache Kafka broker jars with Maven (test/pom.xml) into a cache outside git, once per version.
import path from 'node:path';
import { mavenJars } from './maven-jars';

/** The newest 4.x Maven Central serves; `KAFKA_VERSION` picks another (CI also runs 3.9.1). */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

/** The logging backend each line of Kafka expects behind slf4j. */
function loggingArtifact(version: string): string[] {
  return version.startsWith('3.')
    ? ['-Dlog.groupId=org.slf4j', '-Dlog.artifactId=slf4j-reload4j', '-Dlog.version=1.7.36', '-Dslf4j.version=1.7.36']
    : ['-Dlog.groupId=org.apache.logging.log4j', '-Dlog.artifactId=log4j-slf4j2-impl', '-Dlog.version=2.24.3', '-Dslf4j.version=2.0.17'];
}

/** The directory holding every jar of the broker's classpath; downloads it when not yet complete. */
export function ensureKafkaJars(version: string): Promise<string> {
  return mavenJars(`Apache Kafka ${version}`, `kafka-${version}`, path.join(__dirname, '..', 'pom.xml'), [`-Dkafka.version=${version}`, ...loggingArtifact(version)]);
}
