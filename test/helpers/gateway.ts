import { startGateway, type GatewayConfig, type RunningGateway } from 'switchyard';
import { createRootLogger } from '../../core/log.ts';

/** Starts a gateway on a free loopback port with a silent logger; close it in `afterAll`. */
export function startTestGateway(config: GatewayConfig): Promise<RunningGateway> {
  return startGateway(config, { port: 0, host: '127.0.0.1', log: createRootLogger({ level: process.env.LOG_LEVEL ?? 'silent', sync: true }) });
}
