import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB attribute values to and from the values this system stores: strings, finite numbers,
 * booleans, null, lists, plain objects (maps), non-empty sets of strings or of numbers, bytes.
 * It converts as `@aws-sdk/util-dynamodb`'s `marshall(value, { removeUndefinedValues: true })`
 * and `unmarshall` do for those values (`test/platform/attributes.unit` compares them on random
 * values), in the cold start of every function that reads or writes an item, at about a third
 * of its size. What the library converts and this refuses (a Map, a Date, a class instance, an empty set,
 * NaN, a number beyond the safe integers) is never stored here; it throws a TypeError naming where it is.
 * Unlike plain `marshall`, an undefined member is always left out, in keys and expression values
 * too, so a missing key value reaches DynamoDB (which refuses it) instead of throwing here.
 */

/** The attribute value of `value`; undefined members of maps and lists are left out. */
export const toAttributeValue = (value: unknown, where = 'value'): AttributeValue => {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: numberText(value, where) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'bigint') return { N: value.toString() };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) {
    const list: AttributeValue[] = [];
    value.forEach((member: unknown, index) => {
      if (member !== undefined) list.push(toAttributeValue(member, `${where}[${index}]`));
    });
    return { L: list };
  }
  if (value instanceof Set) return setValue(value as Set<unknown>, where);
  if (value instanceof Uint8Array) return { B: value };
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) return { M: toItem(value, where) };
  }
  throw new TypeError(`${where}: ${Object.prototype.toString.call(value)} cannot be stored in DynamoDB`);
};

/** A number as DynamoDB stores it; refused beyond the safe integers, where it would be imprecise. */
const numberText = (value: number, where: string): string => {
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER) {
    throw new TypeError(`${where}: ${value} cannot be stored as a precise number (use a bigint)`);
  }
  return String(value);
};

const setValue = (set: Set<unknown>, where: string): AttributeValue => {
  const members = [...set];
  if (members.length > 0 && members.every((member) => typeof member === 'string')) return { SS: members };
  if (members.length > 0 && members.every((member) => typeof member === 'number')) return { NS: members.map((member) => numberText(member, where)) };
  throw new TypeError(`${where}: a set must hold strings only or numbers only, and at least one`);
};

/** The attributes of an item (or of `ExpressionAttributeValues`); undefined members are left out. */
export const toItem = (record: object, where = 'item'): Record<string, AttributeValue> => {
  const prototype: unknown = Object.getPrototypeOf(record);
  if (prototype !== Object.prototype && prototype !== null) throw new TypeError(`${where}: ${Object.prototype.toString.call(record)} is not a plain object`);
  const item: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(record)) if (value !== undefined) item[name] = toAttributeValue(value, `${where}.${name}`);
  return item;
};

/** A number attribute: a number, or a bigint beyond the safe integers (as `unmarshall` gives it). */
const numberOf = (text: string): number | bigint => {
  const number = Number(text);
  if (Number.isFinite(number) && (number > Number.MAX_SAFE_INTEGER || number < Number.MIN_SAFE_INTEGER)) return BigInt(text);
  return number;
};

/** The value an attribute value holds. */
export const fromAttributeValue = (value: AttributeValue): unknown => {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return numberOf(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromItem(value.M);
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(numberOf));
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return new Set(value.BS);
  throw new TypeError(`Unsupported attribute value: ${Object.keys(value).join(', ') || 'empty'}`);
};

/** The record an item's attributes hold. */
export const fromItem = (item: Readonly<Record<string, AttributeValue>>): Record<string, unknown> => {
  const record: Record<string, unknown> = {};
  for (const name in item) record[name] = fromAttributeValue(item[name] as AttributeValue);
  return record;
};
