import { SESv2Client } from '@aws-sdk/client-sesv2';
import { traced } from '../platform/tracer.js';
import { commonClientConfig, type ClientOptions } from './options.js';

export const createSesClient = (options: ClientOptions = {}) => traced(new SESv2Client(commonClientConfig(options)));
