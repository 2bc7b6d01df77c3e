import { z } from 'zod';

/** Usernames are compared without regard to case: "Lan.Nguyen" and "lan.nguyen" are one account. */
export const UsernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export function usernameKey(username: string): string {
  return username.toLowerCase();
}
