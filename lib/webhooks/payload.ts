import type { Messages } from '../messages/translate';
import { translator } from '../messages/translate';
import type { ApiRun, ApiRunEnded, WebhookEvent } from '../schemas/api';


/** A WeCom (企业微信) group robot: it takes its own message format, not our JSON. */
export function isWeComRobot(url: URL): boolean {
  return url.hostname === 'qyapi.weixin.qq.com' && url.pathname === '/cgi-bin/webhook/send';
}

/**
 * What a delivery sends: for a WeCom robot, a text message in the hook's language; otherwise the
 * JSON the OpenAPI document describes (`webhooks.runEnded`), the same for every receiver.
 */
export function deliveryBody(hook: { url: string }, event: WebhookEvent, run: ApiRun, link: string, messages: Messages): string {
  if (!isWeComRobot(new URL(hook.url))) {
    const body: ApiRunEnded = { event, run, link };
    return JSON.stringify(body);
  }
  const t = translator('runs', messages);
  const content = t('webhook.text', {
    id: run.id,
    kind: run.kind,
    app: run.appId,
    status: run.status,
    total: run.total,
    succeeded: run.succeeded,
    failed: run.failed,
    notSent: run.notSent,
    link,
  });
  return JSON.stringify({ msgtype: 'text', text: { content } });
}
