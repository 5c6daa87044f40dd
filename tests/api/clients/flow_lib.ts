// What both TypeScript flows share (flow.ts, flow_parity.ts): the typed client, checked calls recorded for
// the test to print, and logging in for a device token.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

// Node's own types are not installed (no @types/node): the one global the flow reads.
declare const process: { env: Record<string, string | undefined> };

export type Schemas = components["schemas"];
export type Answer<T> = { data?: T; error?: unknown; response: Response };

export const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
export const baseUrl = env("BASE_URL");
export const calls: [string, number, string][] = [];

export function check(label: string, answer: { error?: unknown; response: Response }, status: number, type: string): void {
  calls.push([label, answer.response.status, type]);
  if (answer.response.status !== status) {
    throw new Error(`${label}: ${answer.response.status}, wanted ${status}: ${JSON.stringify(answer.error)}`);
  }
}

// The answer of a call, checked to be *status*; tsc checks the data is the component named *type*.
export function ok<K extends keyof Schemas>(label: string, answer: Answer<Schemas[K]>, status: number, type: K): Schemas[K] {
  check(label, answer, status, type);
  if (answer.data === undefined) throw new Error(`${label}: no body`);
  return answer.data;
}

export function none(label: string, answer: { error?: unknown; response: Response }, status: number): void {
  check(label, answer, status, "-");
}

export function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`failed: ${what}`);
}

export const key = (): string => crypto.randomUUID();

export async function logIn(email: string, device: string) {
  const anonymous = createClient<paths>({ baseUrl });
  const token = ok(
    "POST /auth/login/",
    await anonymous.POST("/api/v1/auth/login/", { body: { email, password: env("PASSWORD"), device } }),
    201,
    "Token",
  );
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token.token}` } });
  return { client, token };
}

