import { describe, expect, it } from 'vitest';
import { cleanFreeText, MAX_FREE_TEXT } from './sanitize';

describe('cleanFreeText', () => {
  it('leaves ordinary text alone', () => {
    expect(cleanFreeText('attr shoe not exist')).toBe('attr shoe not exist');
    expect(cleanFreeText('ECONNREFUSED')).toBe('ECONNREFUSED');
  });

  it('gives an empty string for empty or blank text', () => {
    for (const text of ['', '   ', '\n\t\r']) expect(cleanFreeText(text)).toBe('');
  });

  it('masks addresses, whatever the scheme', () => {
    const out = cleanFreeText('bad request https://console.tim.qq.com/v4/timpush/remove_attr?usersig=eJyrSECRET&identifier=admin and ftp://x.y/z');
    expect(out).toBe('bad request [address hidden] and [address hidden]');
  });

  it('masks the TIM query parameters outside an address, in any case', () => {
    const out = cleanFreeText('usersig=eJyOTHER &SDKAppID=1400000000 ?identifier=admin random=5 contenttype=json kept=1');
    expect(out).not.toMatch(/eJyOTHER|1400000000|admin|=5|=json/);
    expect(out).toContain('kept=1');
    expect(out).toContain('[parameter hidden]');
  });

  it('never lets a URL or a signature of a transport detail through', () => {
    const out = cleanFreeText('connect ECONNREFUSED for http://127.0.0.1:4010/v4/timpush/remove_attr?sdkappid=1&usersig=eJySECRET&random=5');
    expect(out).not.toContain('eJySECRET');
    expect(out).not.toMatch(/https?:\/\//);
    expect(out).toContain('ECONNREFUSED');
  });

  it('keeps the text on one plain line', () => {
    expect(cleanFreeText('line one\nline two\r\n\tend\u0000\u2028x\u0085y')).toBe('line one line two end x y');
  });

  it('keeps markup as plain text (the UI escapes it)', () => {
    expect(cleanFreeText('<b>bold</b> & <script>')).toBe('<b>bold</b> & <script>');
  });

  it(`cuts text longer than ${MAX_FREE_TEXT} code points and marks the cut`, () => {
    expect(cleanFreeText('x'.repeat(MAX_FREE_TEXT))).toBe('x'.repeat(MAX_FREE_TEXT));
    expect(cleanFreeText('x'.repeat(1000))).toBe(`${'x'.repeat(MAX_FREE_TEXT)}…`);
  });

  it('counts code points, so a cut never splits a surrogate pair', () => {
    const out = cleanFreeText('😀'.repeat(300));
    expect(out).toBe(`${'😀'.repeat(MAX_FREE_TEXT)}…`);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('cuts after masking, so a long secret cannot push its mask out', () => {
    const out = cleanFreeText(`usersig=${'S'.repeat(500)}`);
    expect(out).toBe('[parameter hidden]');
  });
});
