/** Format checks shared by intake validation and the scrubber. Pure. */

/** NPI check digit: Luhn over the 9 digits prefixed with the card issuer prefix 80840. */
export function isValidNpi(npi: string): boolean {
  if (!/^[12]\d{9}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(npi[9]);
}

/** The check digit that makes `first9` a valid NPI (for generators and tests). */
export function npiCheckDigit(first9: string): string {
  for (let d = 0; d <= 9; d++) if (isValidNpi(`${first9}${d}`)) return String(d);
  throw new Error(`no check digit for ${first9}`);
}

/** CPT Category I (5 digits), Category II/III and PLA (4 digits + F/T/U), HCPCS Level II (A-V + 4 digits). */
const PROCEDURE = /^(\d{5}|\d{4}[FTU]|[A-V]\d{4})$/;
export const isProcedureCodeFormat = (code: string): boolean => PROCEDURE.test(code);

export const isModifierFormat = (m: string): boolean => /^[A-Z0-9]{2}$/.test(m);
