import { SESv2Client } from '@aws-sdk/client-sesv2';
import { commonClientConfig, type ClientOptions } from './options.js';

export const createSesClient = (options: ClientOptions = {}) => new SESv2Client(commonClientConfig(options));
