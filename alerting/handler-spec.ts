/**
 * Topic handler specs (Kapacitor `services/alert/dao.go` HandlerSpec): what `POST /alerts/topics/<t>/handlers`
 * and `kapacitor define-topic-handler` define and the store keeps.
 */
export interface HandlerSpec {
  readonly id: string;
  readonly topic: string;
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly match: string;
}

const VALID_HANDLER_ID = /^[-._\p{L}0-9]+$/u;
const VALID_TOPIC_ID = /^[-:._\p{L}0-9]+$/u;

/** HandlerSpec.Validate, with Kapacitor's messages (the topic message names the handler ID, as Kapacitor's does). */
export function validateHandlerSpec(s: HandlerSpec): void {
  if (!VALID_TOPIC_ID.test(s.topic)) {
    throw new Error(`handler topic must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(s.id)}`);
  }
  if (!VALID_HANDLER_ID.test(s.id)) {
    throw new Error(`handler ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(s.id)}`);
  }
  if (s.kind === '') throw new Error('handler Kind must not be empty');
}

/**
 * Reads a spec from decoded JSON the way Go's json.Decoder fills the struct: unknown keys are ignored, a key of
 * the wrong type is an error naming the field. `topic` is taken from the URL, not the body.
 */
export function handlerSpecFromJson(topic: string, v: unknown): HandlerSpec {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go value of type alert.HandlerSpec`);
  }
  const o = v as Record<string, unknown>;
  const str = (k: string): string => {
    const x = o[k];
    if (x === undefined || x === null) return '';
    if (typeof x !== 'string') throw new Error(`json: cannot unmarshal ${jsonKind(x)} into Go struct field HandlerSpec.${k} of type string`);
    return x;
  };
  const opts = o['options'];
  if (opts !== undefined && opts !== null && (typeof opts !== 'object' || Array.isArray(opts))) {
    throw new Error(`json: cannot unmarshal ${jsonKind(opts)} into Go struct field HandlerSpec.options of type map[string]interface {}`);
  }
  return { id: str('id'), topic, kind: str('kind'), options: (opts ?? {}) as Record<string, unknown>, match: str('match') };
}

export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}
