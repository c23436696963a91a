import en from '../../messages/en';
import { describe, expect, it } from 'vitest';
import { describeFailure, presentFailureGroup, presentUser, type FailureRecord, type RunContext } from './present';

const completed: RunContext = { status: 'completed', error: null };
const failedUser = (failure: FailureRecord | null, run: RunContext = completed) => presentUser({ userId: 'u1', result: 'failed', failure }, run, en);
const notSent = (run: RunContext) => presentUser({ userId: 'u1', result: 'not_sent', failure: null }, run, en);

describe('presentUser', () => {
  it('a removed user', () => {
    expect(presentUser({ userId: 'a', result: 'removed', failure: null }, completed, en)).toEqual({
      user: 'a',
      result: 'removed',
      resultText: 'Removed',
      code: '',
      explanation: 'The attributes were removed from this user.',
      serverInfo: '',
    });
  });

  it('a pending user', () => {
    expect(presentUser({ userId: 'a', result: 'pending', failure: null }, { status: 'running', error: null }, en)).toMatchObject({
      resultText: 'Pending',
      code: '',
      explanation: 'Waiting for its batch to be sent.',
    });
  });

  it('a failed user: "Failed: <title>", the bare code, explanation then action, the server\'s words apart', () => {
    const row = failedUser({ key: '70107', code: 70107, info: 'account not exist' });
    expect(row).toEqual({
      user: 'u1',
      result: 'failed',
      resultText: 'Failed: Account not found',
      code: '70107',
      explanation:
        "This user ID or RegistrationID does not exist in the app's Chat accounts (it was never imported). Check the ID for typos. Import the account in the Chat console, or remove it from your list.",
      serverInfo: 'account not exist',
    });
  });

  it('a transport failure has no code and weaves in the detail', () => {
    const row = failedUser({ key: 'transport.timeout', code: null, info: 'after 10 ms' });
    expect(row.resultText).toBe('Failed: No answer in time');
    expect(row.code).toBe('');
    expect(row.explanation).toMatch(/^The Chat service did not answer within the configured time \(after 10 ms\)\. Nothing to do/);
    expect(row.serverInfo).toBe('after 10 ms');
  });

  it('an unknown code keeps its code, unformatted, and quotes the server', () => {
    const row = failedUser({ key: '12345', code: 12345, info: 'something odd' });
    expect(row.resultText).toBe('Failed: Unrecognised error');
    expect(row.code).toBe('12345');
    expect(row.explanation).toContain('returned error code 12345,');
    expect(row.explanation).toContain('Its description: "something odd".');
  });

  it('a failed user without a stored failure still reads as a failure', () => {
    const row = failedUser(null);
    expect(row.resultText).toBe('Failed: Unrecognised error');
    expect(row.code).toBe('');
  });

  it('never shows a URL or a signature the server echoed, in the explanation or the server info', () => {
    const row = failedUser({ key: '99997', code: 99997, info: 'bad https://console.tim.qq.com/v4/x?usersig=eJySECRET usersig=eJyOTHER\nmore' });
    for (const text of [row.explanation, row.serverInfo]) {
      expect(text).not.toMatch(/eJySECRET|eJyOTHER|https?:\/\/|\n/);
    }
    expect(row.serverInfo).toBe('bad [address hidden] [parameter hidden] more');
  });

  describe('not sent, and why', () => {
    it('after the error that stopped the run', () => {
      const row = notSent({ status: 'failed', error: { key: '70009', code: 70009, info: '' } });
      expect(row).toMatchObject({ resultText: 'Not sent', code: '', serverInfo: '' });
      expect(row.explanation).toBe('Not sent because the run stopped after "Secret key does not match". Fix that, then run these users again.');
    });

    it('because the run was cancelled', () => {
      expect(notSent({ status: 'cancelled', error: null }).explanation).toBe('Not sent because the run was cancelled before this batch went out.');
    });

    it('because the console stopped', () => {
      for (const status of ['interrupted', 'completed'] as const) {
        expect(notSent({ status, error: null }).explanation).toBe(
          'Not sent because the console stopped before this batch went out. Run these users again.',
        );
      }
    });

    it('after an app failure', () => {
      const row = notSent({ status: 'failed', error: { key: 'app.removed', code: null, info: 'staging' } });
      expect(row.explanation).toContain('"The run\'s app is no longer configured"');
    });
  });
});

describe('presentFailureGroup', () => {
  it('gives the words and the handling of the group', () => {
    expect(presentFailureGroup({ key: '60007', code: 60007, info: 'too fast', count: 3 }, en)).toMatchObject({
      key: '60007',
      code: '60007',
      count: 3,
      title: 'API call rate limit reached',
      handling: 'rate-limited',
    });
    expect(presentFailureGroup({ key: 'transport.http-5xx', code: null, info: 'HTTP 502', count: 1 }, en)).toMatchObject({
      key: 'transport.http-5xx',
      code: '',
      title: 'Chat service gateway error',
      explanation: 'A gateway or server in front of the Chat service reported an error (HTTP 502).',
      handling: 'retry',
    });
  });
});

describe('describeFailure', () => {
  it("a known code's words do not depend on what the server said", () => {
    const plain = describeFailure({ key: '70107', code: 70107, info: '' }, en);
    expect(describeFailure({ key: '70107', code: 70107, info: 'server said something' }, en)).toEqual(plain);
    expect(plain).toMatchObject({ key: '70107', code: 70107, title: 'Account not found', handling: 'permanent' });
  });

  it('reads the code from the key when none was stored', () => {
    expect(describeFailure({ key: '60007', code: null, info: '' }, en)).toMatchObject({ code: 60007, handling: 'rate-limited' });
  });

  describe('unknown codes', () => {
    const unknown = (code: number, info: string) => describeFailure({ key: String(code), code, info }, en);

    it('a generic permanent entry with the code and ErrorInfo', () => {
      const e = unknown(12345, 'something odd happened');
      expect(e).toMatchObject({ key: '12345', code: 12345, title: 'Unrecognised error', handling: 'permanent' });
      expect(e.explanation).toBe(
        'The Chat service returned error code 12345, which this console does not know. Its description: "something odd happened".',
      );
      expect(e.action).toContain('Tencent Cloud Chat error code list');
    });

    it('without ErrorInfo, or with an empty one', () => {
      for (const info of ['', '   ', '\n']) {
        expect(unknown(4242, info).explanation).toBe('The Chat service returned error code 4242, which this console does not know. It gave no description.');
      }
    });

    it('cuts long ErrorInfo to 200 characters', () => {
      const e = unknown(99999, 'x'.repeat(1000));
      expect(e.explanation).toContain(`"${'x'.repeat(200)}…"`);
      expect(e.explanation).not.toContain('x'.repeat(201));
    });

    it('keeps ErrorInfo as plain single-line text, braces and markup included', () => {
      const e = unknown(99998, 'line one\nline two\r\n\tend <b>bold</b> {detail}');
      expect(e.explanation).toContain('"line one line two end <b>bold</b> {detail}"');
    });

    it('a stored code that is not a number has no code', () => {
      expect(describeFailure({ key: 'unknown', code: null, info: '' }, en)).toMatchObject({ code: null, handling: 'permanent', title: 'Unrecognised error' });
    });
  });

  describe('transport failures', () => {
    it('weave the detail into the explanation, or leave it out', () => {
      expect(describeFailure({ key: 'transport.http-status', code: null, info: 'HTTP 404' }, en).explanation).toBe(
        'The Chat service answered with an unexpected status (HTTP 404). This usually means the console is pointed at the wrong server.',
      );
      expect(describeFailure({ key: 'transport.http-status', code: null, info: '' }, en).explanation).toBe(
        'The Chat service answered with an unexpected status. This usually means the console is pointed at the wrong server.',
      );
    });

    it('never let a URL or signature in the detail through', () => {
      const e = describeFailure({
        key: 'transport.network',
        code: null,
        info: 'connect ECONNREFUSED for http://127.0.0.1:4010/v4/timpush/remove_attr?sdkappid=1&usersig=eJySECRET&random=5',
      }, en);
      expect(e.explanation).not.toContain('eJySECRET');
      expect(e.explanation).not.toMatch(/https?:\/\//);
      expect(e.explanation).toContain('ECONNREFUSED');
      expect(e).toMatchObject({ code: null, handling: 'retry' });
    });
  });

  describe('app failures', () => {
    it('name the app when they can', () => {
      expect(describeFailure({ key: 'app.removed', code: null, info: 'staging' }, en).explanation).toBe(
        "This run belongs to app staging, which is no longer in this console's configuration, so nothing more was sent.",
      );
      expect(describeFailure({ key: 'app.removed', code: null, info: '' }, en).explanation).toBe(
        "This run belongs to app that was removed, which is no longer in this console's configuration, so nothing more was sent.",
      );
      expect(describeFailure({ key: 'app.changed', code: null, info: 'staging: run 1, configured 2' }, en)).toMatchObject({
        title: "The run's app now has another SDKAppID",
        handling: 'fatal',
      });
    });
  });
});
