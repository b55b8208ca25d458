import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { traced } from '../platform/tracer.js';
import { commonClientConfig, type ClientOptions } from './options.js';

export const createDynamoClient = (options: ClientOptions = {}) => traced(new DynamoDBClient(commonClientConfig(options)));
