import type { Store } from '../store/types.js';
import type { TurnData } from './turn-data.js';

export type ServiceContext = { store: Store; turn: TurnData };

/**
 * A named service a flow may `call` (e.g. `submit_request`). It receives the call's arguments
 * (field references already resolved) and returns a value the flow can `saveAs`.
 */
export type Service = (args: Record<string, unknown>, context: ServiceContext) => Promise<unknown>;

export type ServiceRegistry = Readonly<Record<string, Service>>;
