import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ and the run event channels. `maxRetriesPerRequest: null`
 * (BullMQ requires it for workers): commands wait through a Redis restart instead of failing.
 */
export function connectRedis(url: string, name: string): Redis {
  const logger = new Logger('Redis');
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis reconnects by itself; say so once per distinct error rather than on every retry.
    if (error.message !== lastError) logger.warn(`${name}: ${error.message} (reconnecting)`);
    lastError = error.message;
  });
  redis.on('ready', () => (lastError = ''));
  return redis;
}
