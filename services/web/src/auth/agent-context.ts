import { createContext, useContext } from 'react';
import type { InstanceConfig } from '../instance-config';
import type { Agent } from './session';

export const AgentContext = createContext<{ agent: Agent | null; config: InstanceConfig } | null>(null);

export function useInstance(): { agent: Agent | null; config: InstanceConfig } {
  const value = useContext(AgentContext);
  if (!value) throw new Error('AgentContext absent');
  return value;
}

/** The signed-in agent (pages behind the sign-in only). */
export function useAgent(): Agent {
  const { agent } = useInstance();
  if (!agent) throw new Error('no agent signed in');
  return agent;
}
