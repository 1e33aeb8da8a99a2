// A real node:http server speaking the OpenAI API with scripted replies and fault injection,
// so client tests exercise actual sockets, SSE framing and connection failures.
export type {
  ContextLengthStyle,
  FakeBackend,
  FakeBackendOptions,
  FakeModel,
  Fault,
  Flavor,
  RecordedRequest,
  Reply,
  StreamReply,
} from './fake-backend/types.js';
export { closedPort, startFakeBackend } from './fake-backend/server.js';
