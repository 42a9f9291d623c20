// Entry of dist/client/flow-language.js, loaded on first use (lazy-bundles.ts): what needs yaml, ajv and the schema.
export { parseFlow } from '../flow/parse';
export { exportResolvedFlow } from './export-command';
export { applyEditRequest } from './diagram/apply-edit-request';
export { COMPONENT_TYPES } from '../flow/component-types';
export { componentNameFrom, flowIdFrom, generateFlow } from './new-flow/flow-template';
export { parse as parseYaml } from 'yaml';
