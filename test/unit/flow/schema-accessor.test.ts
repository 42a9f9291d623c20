import * as assert from 'node:assert/strict';
import {
  componentDefaults, componentProperties, componentTypeEnum, flowSchema, propertiesOf,
  RETRY_DEFAULTS, RETRY_STRATEGY_FIELDS, schemaAtPath,
} from '../../../flow/schema';
import { COMPONENT_TYPES, componentTypes } from '../../../flow/component-types';
import { docAtPath, enumValuesAtPath } from './schema-at-path';
import { VALIDATION_MODES } from '../../../flow/model';
import type { JsonSchema } from '../../../flow/schema';

describe('flow/schema: the schema as the one source of docs, enums and defaults', () => {
  it('lists a component type\'s properties required first', () => {
    assert.deepEqual(componentProperties('kafka').map((p) => [p.name, p.required]), [
      ['type', true], ['brokers', true], ['topic', true], ['clientId', false], ['ssl', false], ['sasl', false], ['key', false],
      ['description', false], ['secret', false], ['retry', false], ['validation', false],
    ]);
    assert.deepEqual(componentProperties('service').find((p) => p.name === 'method')?.default, 'POST');
  });

  it('agrees with the model\'s lists of types, kinds and validation modes', () => {
    const COMPONENT_TYPE_NAMES = componentTypeEnum();
    const CONNECTION_KINDS = componentTypes().kinds;
    assert.deepEqual(COMPONENT_TYPE_NAMES, [...COMPONENT_TYPES]);
    assert.deepEqual(enumValuesAtPath(['connections', 0, 'kind']), [...CONNECTION_KINDS]);
    assert.deepEqual(enumValuesAtPath(['defaults', 'validation']), [...VALIDATION_MODES]);
  });

  it('holds the retry defaults and each strategy\'s fields', () => {
    assert.deepEqual(RETRY_DEFAULTS, {
      strategy: 'exponential', delay: '500ms', factor: 2, maxDelay: '30s', maxAttempts: 5, jitter: 'full',
      retryOn: ['timeout', 'connection', '5xx', '429'], abortOn: ['4xx', 'validation'],
    });
    assert.deepEqual(RETRY_STRATEGY_FIELDS.custom, ['delays', 'strategy', 'maxAttempts', 'maxDuration', 'jitter', 'retryOn', 'abortOn']);
    assert.deepEqual(componentDefaults('mq'), { prefetch: 1000, durable: true });
  });

  it('finds docs by document path, picking the component\'s schema by its type', () => {
    const typeOf = (name: string) => (name === 'OrderTopic' ? 'kafka' : undefined);
    assert.match(docAtPath(['components', 'OrderTopic', 'topic'], typeOf)!.markdownDescription, /topic: orders/);
    assert.match(docAtPath(['components', 'OrderTopic', 'retry', 'maxAttempts'], typeOf)!.description, /Attempts in total/);
    assert.equal(schemaAtPath(['components', 'Nope', 'topic'], typeOf), undefined);
  });

  it('gives every property a description and a markdownDescription with an example', () => {
    const missing: string[] = [];
    const walk = (schema: JsonSchema, where: string): void => {
      for (const property of propertiesOf(schema)) {
        if (!property.description || !property.markdownDescription.includes('```yaml')) missing.push(`${where}.${property.name}`);
        if (property.type === 'object') walk(property.schema, `${where}.${property.name}`);
      }
    };
    walk(flowSchema, '');
    for (const [name, definition] of Object.entries(flowSchema.definitions)) if (definition.properties) walk(definition, name);
    assert.deepEqual(missing, []);
  });
});
