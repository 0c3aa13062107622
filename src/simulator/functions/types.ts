import type { Desc } from '../desc';
import type { Site, TokenRow, UserRow } from '../model';

/** One simulated web-service function: Moodle's execute_parameters / execute / execute_returns. */
export interface WsFunction {
  name: string;
  /** The version site_info reports for it (the component's version). */
  version: string;
  params: Record<string, Desc>;
  returns: Desc | null;
  // Arguments arrive validated against `params`; each function narrows them itself.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  execute(site: Site, caller: UserRow, args: any, token: TokenRow): unknown;
}

export const CORE_VERSION = '2024100706';
export const ENROL_MANUAL_VERSION = '2024100700';

export const define = (fn: WsFunction): WsFunction => fn;
