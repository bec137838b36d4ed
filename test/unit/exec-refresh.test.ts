// The exec websocket (pause and node through the helper pod) refreshes an exec plugin's credential
// after a 401, as requests and watches do: the real client-node Exec and ws client, the real
// credential layer, against a local server that refuses the first upgrade with 401 and then speaks
// the channel protocol (v4.channel.k8s.io) the API server speaks.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { clientConfig } from '../../src/kube/client.js';
import type { LoadedConfig } from '../../src/kube/config.js';
import { Credentials } from '../../src/kube/credentials.js';
import { ExecError, execRefreshing, upgradeStatus } from '../../src/kube/exec.js';
import { PLUGIN_EXEC } from './exec-fixtures.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 section 1.3

/** One binary frame from the server (unmasked): the channel byte, then the data. */
function frame(channel: number, data: string): Buffer {
  const payload = Buffer.concat([Buffer.from([channel]), Buffer.from(data)]);
  if (payload.length >= 126) throw new Error('test frames are short');
  return Buffer.concat([Buffer.from([0x82, payload.length]), payload]);
}

let server: Server;
let port = 0;
/** The Authorization header of each upgrade, and how many are refused before one is accepted. */
const seen: string[] = [];
let refuse = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket: Socket) => {
    sockets.add(socket);
    seen.push(String(req.headers.authorization));
    if (refuse > 0) {
      refuse--;
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(String(req.headers['sec-websocket-key']) + WS_GUID)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n`,
    );
    socket.write(frame(1, 'hello from the helper\n'));
    socket.write(frame(3, JSON.stringify({ metadata: {}, status: 'Success' })));
    socket.end(Buffer.from([0x88, 0x00])); // close
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  for (const s of sockets) s.destroy();
  server.closeAllConnections();
  return new Promise((r) => server.close(r));
});

function setup() {
  const exec = PLUGIN_EXEC;
  // client-node refuses http:// unless TLS verification is off (there is no TLS to verify)
  const cluster = { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true, disableCompression: false };
  const loaded: LoadedConfig = {
    context: 'x',
    cluster,
    user: { name: 'u', exec },
    namespace: 'default',
    server: cluster.server,
    files: [],
  };
  let runs = 0;
  let running = 0;
  let overlapped = false;
  const credentials = new Credentials(loaded.user, cluster, {
    env: {},
    stdinIsTTY: false,
    runPlugin: async () => {
      const n = ++runs;
      if (++running > 1) overlapped = true;
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return { token: `token-number-${n}` };
    },
  });
  const { kc } = clientConfig(loaded, {}, false, credentials);
  const target = { namespace: 'ns', pod: 'helper', container: 'c' };
  return {
    exec: () => execRefreshing(kc, credentials, target, ['true'], 5_000),
    runs: () => runs,
    overlapped: () => overlapped,
  };
}

test('a 401 on the websocket upgrade runs the plugin once more and connects again with its token', async () => {
  seen.length = 0;
  refuse = 1;
  const s = setup();
  const r = await s.exec();
  expect(r).toEqual({ stdout: 'hello from the helper\n', stderr: '', exitCode: 0 });
  expect(seen).toEqual(['Bearer token-number-1', 'Bearer token-number-2']);
  expect(s.runs()).toBe(2);
  expect(s.overlapped()).toBe(false);
});

test('a second 401 is final: one ExecError carrying the status, no third run', async () => {
  seen.length = 0;
  refuse = 2;
  const s = setup();
  const e: unknown = await s.exec().catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ExecError);
  expect(e).toMatchObject({ kind: 'connect', status: 401 });
  expect(seen).toEqual(['Bearer token-number-1', 'Bearer token-number-2']);
  expect(s.runs()).toBe(2);
});

test('upgradeStatus reads the status of the ws message only', () => {
  expect(upgradeStatus('Unexpected server response: 401')).toBe(401);
  expect(upgradeStatus('Unexpected server response: 403')).toBe(403);
  expect(upgradeStatus('connect ECONNREFUSED 127.0.0.1:6443')).toBeUndefined();
  expect(upgradeStatus('the pod said: Unexpected server response: 401')).toBeUndefined();
});
