import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB attribute values to and from the values this system stores: strings, finite numbers,
 * booleans, null, lists, plain objects (maps), non-empty sets of strings or of numbers, bytes.
 * It converts as `@aws-sdk/util-dynamodb`'s `marshall(value, { removeUndefinedValues: true })`
 * and `unmarshall` do for those values (`test/platform/attributes.unit` compares them on random
 * values), in the cold start of every function that reads or writes an item, at about a third
 * of its size. What the library converts and this refuses (a Map, a Date, a class instance, an empty set,
 * NaN, a number beyond the safe integers) is never stored here; it throws a TypeError naming where it is.
 * `toItem` leaves undefined members out (an optional attribute is simply absent); `toKey`, for keys
 * and expression values, throws on one instead, as plain `marshall` did: a missing key value is a
 * bug caught before the request rather than a ValidationException from DynamoDB.
 */

/**
 * A value that cannot be stored, with where it is (`item.members[2].at`). Nested values are
 * converted with an empty path; each container prefixes its own when a refusal passes through it,
 * so converting builds no path strings unless something is refused.
 */
class UnstorableValue extends TypeError {
  constructor(
    private readonly reason: string,
    private path: string,
  ) {
    super(`${path}: ${reason}`);
  }

  /** The same refusal, seen from the container that holds the value under `segment`. */
  within(root: string, segment: string): UnstorableValue {
    this.path = `${root}${segment}${this.path}`;
    this.message = `${this.path}: ${this.reason}`;
    return this;
  }
}

/** The attribute value of `value`; undefined members of maps and lists are left out. */
export const toAttributeValue = (value: unknown, where = 'value'): AttributeValue => {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: numberText(value, where) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'bigint') return { N: value.toString() };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) {
    const list: AttributeValue[] = [];
    let index = 0;
    try {
      for (; index < value.length; index += 1) {
        const member: unknown = value[index];
        if (member !== undefined) list.push(toAttributeValue(member, ''));
      }
    } catch (error) {
      throw error instanceof UnstorableValue ? error.within(where, `[${index}]`) : error;
    }
    return { L: list };
  }
  if (value instanceof Set) return setValue(value as Set<unknown>, where);
  if (value instanceof Uint8Array) return { B: value };
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) return { M: toItem(value, where) };
  }
  throw new UnstorableValue(`${Object.prototype.toString.call(value)} cannot be stored in DynamoDB`, where);
};

/** A number as DynamoDB stores it; refused beyond the safe integers, where it would be imprecise. */
const numberText = (value: number, where: string): string => {
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER) {
    throw new UnstorableValue(`${value} cannot be stored as a precise number (use a bigint)`, where);
  }
  return String(value);
};

const setValue = (set: Set<unknown>, where: string): AttributeValue => {
  const members = [...set];
  if (members.length > 0 && members.every((member) => typeof member === 'string')) return { SS: members };
  if (members.length > 0 && members.every((member) => typeof member === 'number')) return { NS: members.map((member) => numberText(member, where)) };
  throw new UnstorableValue('a set must hold strings only or numbers only, and at least one', where);
};

/** The attributes of an item (or of `ExpressionAttributeValues`); undefined members are left out. */
export const toItem = (record: object, where = 'item'): Record<string, AttributeValue> => {
  const prototype: unknown = Object.getPrototypeOf(record);
  if (prototype !== Object.prototype && prototype !== null) throw new UnstorableValue(`${Object.prototype.toString.call(record)} is not a plain object`, where);
  const item: Record<string, AttributeValue> = {};
  // Own keys only, as marshall reads them: a key inherited from a polluted prototype is never written.
  const names = Object.keys(record);
  let index = 0;
  try {
    for (; index < names.length; index += 1) {
      const name = names[index] as string;
      // Assigned, it would set the item's prototype instead (marshall loses it so); never a name here.
      if (name === '__proto__') throw new UnstorableValue('"__proto__" cannot be an attribute name', '');
      const value: unknown = (record as Record<string, unknown>)[name];
      if (value !== undefined) item[name] = toAttributeValue(value, '');
    }
  } catch (error) {
    throw error instanceof UnstorableValue ? error.within(where, `.${names[index]}`) : error;
  }
  return item;
};

/** Key attributes or `ExpressionAttributeValues`: as `toItem`, but an undefined member is refused. */
export const toKey = (record: object, where = 'key'): Record<string, AttributeValue> => {
  for (const [name, value] of Object.entries(record)) if (value === undefined) throw new TypeError(`${where}.${name}: undefined cannot be a key or expression value`);
  return toItem(record, where);
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
  // Own attributes only, as unmarshall reads them; a "__proto__" attribute (never written here, see
  // toItem) stays an attribute of the record instead of becoming its prototype.
  for (const name of Object.keys(item)) {
    const value = fromAttributeValue(item[name] as AttributeValue);
    if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
    else record[name] = value;
  }
  return record;
};
