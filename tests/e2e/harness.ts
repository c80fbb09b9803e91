// What an E2E test needs around the browser: the built agent as a real process, and Debian's Chromium.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createSandboxPi, type SandboxPi, type SandboxPiOptions } from '../../sandbox-pi/index.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const AGENT_BIN = join(REPO_ROOT, 'dist', 'agent', 'immich-pi-agent.mjs');
export const PWA_DIR = join(REPO_ROOT, 'dist', 'pwa');
export const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');
const CHROMIUM = '/usr/bin/chromium';

/** requireBuild fails early with the fix when `npm run build` has not run. */
export function requireBuild(): void {
  for (const file of [AGENT_BIN, join(PWA_DIR, 'index.html'), join(PWA_DIR, 'sw.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
}

/** freePort asks the OS for a loopback port nobody is using right now (the sandbox's helper). */
import { freeLoopbackPort } from '../../sandbox-pi/immich-stub.ts';

export { freeLoopbackPort as freePort };

/** RunningAgent is `immich-pi-agent serve` started as a child process. */
export interface RunningAgent {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * startAgent runs the built agent and waits for its "listening on <url>" line. `agentBin` is for
 * bundles (bench 11), where this file's location no longer finds dist/.
 */
export async function startAgent(
  configPath: string,
  timeoutMs = 20_000,
  agentBin = AGENT_BIN,
): Promise<RunningAgent> {
  const child = spawn(process.execPath, [agentBin, 'serve', '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // nobody will stop an agent whose start failed
      reject(new Error(`agent did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /immich-pi-agent listening on (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    /** stop sends SIGTERM as systemd would, and SIGKILL if the agent has not gone in 5 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** PairingCode is what `immich-pi-agent pair --json` prints. */
export interface PairingCode {
  code: string;
  expiresAt: number;
  url: string;
  fingerprint: string;
}

/** mintPairingCode runs the CLI as the owner would over SSH. */
export async function mintPairingCode(
  configPath: string,
  agentBin = AGENT_BIN,
): Promise<PairingCode> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [agentBin, 'pair', '--config', configPath, '--json'],
    {
      timeout: 15_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PairingCode;
}

// An Android phone's Chrome, so the app shows what a phone gets (install steps, device name).
const PHONE_USER_AGENT =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

/** launchPhone opens Debian's Chromium with a fresh profile, sized and behaving like a phone. */
export async function launchPhone(): Promise<{ context: BrowserContext; profile: string }> {
  const profile = await mkdtemp(join(tmpdir(), 'ipi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: PHONE_USER_AGENT,
    locale: 'en-GB',
  });
  return { context, profile };
}

// The CSP forbids inline script and enforces Trusted Types; any violation is a bug in the app.
const POLICY_VIOLATION = /Content Security Policy|Trusted Type|TrustedScriptURL/i;

export interface Phone {
  page: Page;
  /** CSP and Trusted Types violations and uncaught errors seen so far: must stay empty. */
  violations: string[];
  close(): Promise<void>;
}

/** openPhone launches a fresh phone-sized Chromium and watches its page for policy violations. */
export async function openPhone(): Promise<Phone> {
  const browser = await launchPhone();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const violations: string[] = [];
  page.on('console', (message) => {
    if (POLICY_VIOLATION.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`uncaught: ${error.message}`));
  return {
    page,
    violations,
    close: async () => {
      await browser.context.close();
      await rm(browser.profile, { recursive: true, force: true });
    },
  };
}

/** testIdText answers the text of the first element with that data-testid, null when there is none. */
export async function testIdText(page: Page, testId: string): Promise<string | null> {
  const element = page.getByTestId(testId);
  return (await element.count()) > 0 ? element.first().textContent() : null;
}

/** screenshot saves the page as tests/artifacts/<name>.png. */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), ...options });
}

/** pairInApp pairs the page's app with a fresh CLI code through the Pair screen, then opens Home. */
export async function pairInApp(
  page: Page,
  agentUrl: string,
  configPath: string,
  agentBin = AGENT_BIN,
): Promise<void> {
  const minted = await mintPairingCode(configPath, agentBin);
  await page.goto(new URL('/pair', agentUrl).href);
  await page.getByLabel('Pairing code').fill(minted.code);
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  await page.getByRole('button', { name: 'Go to Home' }).click();
}

/** RunningPi is a sandbox Pi with the built agent running on it. */
export interface RunningPi {
  sandbox: SandboxPi;
  agent: RunningAgent;
  close(): Promise<void>;
}

/**
 * startPi makes a sandbox Pi (1 s samples, the built PWA, a free port) with `options` laid over,
 * lets `prepare` write its files, then starts the agent. A start that fails removes the sandbox.
 */
export async function startPi(
  options: SandboxPiOptions = {},
  prepare: (sandbox: SandboxPi) => Promise<void> = async () => {},
): Promise<RunningPi> {
  requireBuild();
  const sandbox = await createSandboxPi({
    port: await freeLoopbackPort(),
    pwaDir: PWA_DIR,
    sampleIntervalSeconds: 1,
    ...options,
  });
  try {
    await prepare(sandbox);
    const agent = await startAgent(sandbox.configPath);
    return {
      sandbox,
      agent,
      close: async () => {
        await agent.stop();
        await sandbox.remove();
      },
    };
  } catch (error) {
    await sandbox.remove();
    throw error;
  }
}

/** Rig is one E2E setup: a sandbox Pi, the built agent on it, and a phone's Chromium. */
export interface Rig extends RunningPi {
  phone: Phone;
}

/** startRig starts a Pi as startPi does, then opens a phone. */
export async function startRig(
  options: SandboxPiOptions = {},
  prepare: (sandbox: SandboxPi) => Promise<void> = async () => {},
): Promise<Rig> {
  const pi = await startPi(options, prepare);
  try {
    const phone = await openPhone();
    return {
      ...pi,
      phone,
      close: async () => {
        await phone.close();
        await pi.close();
      },
    };
  } catch (error) {
    await pi.close();
    throw error;
  }
}
