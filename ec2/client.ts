/**
 * The EC2 Auto Scaling client behind ec2Autoscale (Kapacitor's services/ec2/client, which uses aws-sdk-go): the
 * query API (`POST /` with a form body, API version 2011-01-01, signed with SigV4 for service `autoscaling`):
 * `DescribeAutoScalingGroups` reads a group's DesiredCapacity, `SetDesiredCapacity` (HonorCooldown=false, as
 * Kapacitor: its own cooldowns decide) changes it. An AWS error answer (`<ErrorResponse><Error><Code>…`) becomes an
 * Ec2ApiError carrying AWS's code and message; every request has a timeout.
 *
 * Beyond Kapacitor: a group that DescribeAutoScalingGroups does not return is an error ("not found") instead of a
 * desired capacity of 0.
 */
import http from 'node:http';
import https from 'node:https';
import { sign, type Credentials } from './sigv4.ts';

export const API_VERSION = '2011-01-01';
export const SERVICE = 'autoscaling';

export interface Ec2Connection extends Credentials {
  readonly region: string;
  /** '' = `https://autoscaling.<region>.amazonaws.com` */
  readonly endpoint?: string;
  readonly timeoutMs?: number;
  /** the signing clock (tests); default: the wall clock, which AWS checks within 5 minutes */
  readonly now?: () => Date;
}

export interface AutoScalingGroup {
  readonly name: string;
  readonly desiredCapacity: number;
  readonly minSize: number;
  readonly maxSize: number;
}

export class Ec2ApiError extends Error {
  override name = 'Ec2ApiError';
  constructor(message: string, readonly status: number, readonly code: string) {
    super(message);
  }
}

export class Ec2AutoScalingClient {
  readonly endpoint: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(private readonly conn: Ec2Connection) {
    if (conn.region === '') throw new Error('no region specified');
    const raw = conn.endpoint || `https://autoscaling.${conn.region}.amazonaws.com`;
    try {
      this.endpoint = new URL(raw);
    } catch {
      throw new Error(`invalid endpoint ${JSON.stringify(raw)}`);
    }
    if (this.endpoint.protocol !== 'http:' && this.endpoint.protocol !== 'https:') throw new Error(`invalid endpoint ${JSON.stringify(raw)}: unsupported scheme ${this.endpoint.protocol}`);
    this.agent = this.endpoint.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 16 }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.timeoutMs = conn.timeoutMs ?? 10_000;
    this.now = conn.now ?? (() => new Date());
  }

  /** DescribeAutoScalingGroups for one group. */
  async group(name: string): Promise<AutoScalingGroup> {
    const xml = await this.call({ Action: 'DescribeAutoScalingGroups', 'AutoScalingGroupNames.member.1': name });
    // one group was asked for, so the list holds it or nothing (its nested <member>s are instances and tags)
    const group = elements(xml, 'AutoScalingGroups')[0] ?? '';
    if (text(group, 'AutoScalingGroupName') !== name) {
      throw new Ec2ApiError(`auto scaling group ${JSON.stringify(name)} not found in region ${this.conn.region}`, 200, 'NotFound');
    }
    const desired = Number(text(group, 'DesiredCapacity'));
    if (!Number.isInteger(desired)) throw new Ec2ApiError(`auto scaling group ${JSON.stringify(name)}: the answer has no DesiredCapacity`, 200, 'InvalidResponse');
    return { name, desiredCapacity: desired, minSize: Number(text(group, 'MinSize') ?? 0), maxSize: Number(text(group, 'MaxSize') ?? 0) };
  }

  /** SetDesiredCapacity, HonorCooldown=false. */
  async setDesiredCapacity(name: string, capacity: number): Promise<void> {
    await this.call({ Action: 'SetDesiredCapacity', AutoScalingGroupName: name, DesiredCapacity: String(capacity), HonorCooldown: 'false' });
  }

  private async call(params: Record<string, string>): Promise<string> {
    const form = new URLSearchParams({ ...params, Version: API_VERSION }).toString();
    const url = new URL(this.endpoint.href); // its path ('/' for AWS) is signed as it is sent
    const headers = sign({
      method: 'POST', url, body: form, region: this.conn.region, service: SERVICE, time: this.now(),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    }, this.conn);
    const { status, body } = await this.post(url, headers, form, params['Action']!);
    if (status === 200) return body;
    const err = elements(body, 'Error')[0];
    const code = (err && text(err, 'Code')) || `HTTP${status}`;
    const message = (err && text(err, 'Message')) || `status code ${status}`;
    throw new Ec2ApiError(`${code}: ${message}`, status, code);
  }

  private post(url: URL, headers: Record<string, string>, body: string, action: string): Promise<{ status: number; body: string }> {
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, {
        method: 'POST', agent: this.agent, timeout: this.timeoutMs,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs}ms`)));
      req.on('error', (err) => reject(new Ec2ApiError(`${action} request to ${url.origin} failed: ${err.message}`, 0, 'RequestError')));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The inner XML of every `<tag>…</tag>` at any depth (the answers are small and never nest a tag in itself). */
function elements(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) out.push(m[1]!);
  return out;
}

/** The text of the first `<tag>` with XML entities decoded. */
function text(xml: string, tag: string): string | undefined {
  const inner = elements(xml, tag)[0];
  if (inner === undefined) return undefined;
  return inner.trim().replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}
