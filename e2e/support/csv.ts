import Papa from 'papaparse';

/** The exported results as records keyed by the header row; every export starts with the byte order mark Excel needs. */
export function parseExport(text: string): Record<string, string>[] {
  if (!text.startsWith('\uFEFF')) throw new Error(`the export does not start with a UTF-8 byte order mark: ${JSON.stringify(text.slice(0, 20))}`);
  return Papa.parse<Record<string, string>>(text.slice(1).trim(), { header: true }).data;
}

/**
 * 2,500 data rows with planted problems: header + rows for user00001…, where a few lines carry an
 * empty ID, a control character, an unknown attribute, a duplicate, and unknown users (70107).
 */
export function plantedCsv(): { text: string; badLines: Record<number, RegExp>; unknownUsers: string[]; validUsers: string[] } {
  const lines = ['To_Account,Attrs'];
  const unknownUsers: string[] = [];
  for (let i = 1; i <= 2500; i++) lines.push(`user${String(i).padStart(5, '0')},`);
  // Line numbers are 1-based and the header is line 1, so data row k is on line k + 1.
  lines[100] = ',city';
  lines[200] = 'bad\u0001id,';
  lines[300] = 'user00300,shoe';
  lines[400] = 'user00001,tier';
  for (const k of [2100, 2200, 2300]) {
    lines[k] = `ghost${k}`;
    unknownUsers.push(`ghost${k}`);
  }
  const badLines = { 101: /user ID is empty/, 201: /control characters/, 301: /unknown attribute "shoe"/ };
  const validUsers = lines
    .slice(1)
    .map((l) => l.split(',')[0]!)
    .filter((u, i) => ![100, 200, 300].includes(i + 1) && u !== '' && !u.includes('\u0001'));
  return { text: `${lines.join('\r\n')}\r\n`, badLines, unknownUsers, validUsers: [...new Set(validUsers)] };
}
