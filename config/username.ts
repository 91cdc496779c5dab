/** Kapacitor's username rule (services/auth/service.go validUsername): letters, digits, `-`, `.`, `_`, `@`. */
export const VALID_USERNAME = /^[-._\p{L}0-9@]+$/u;

export function usernameError(name: string): string | undefined {
  if (name === '') return 'username is required';
  if (!VALID_USERNAME.test(name)) return `username must contain only letters, numbers, '-', '.', '@' and '_'. ${JSON.stringify(name)}`;
  return undefined;
}
