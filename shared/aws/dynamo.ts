import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { commonClientConfig, type ClientOptions } from './options.js';

export const createDynamoClient = (options: ClientOptions = {}) => new DynamoDBClient(commonClientConfig(options));
