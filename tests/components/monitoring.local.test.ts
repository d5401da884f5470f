/** Monitoring in the shipped local stack under mocks (see monitoringStack.ts for what is mocked and why). */
import { describeMonitoringStack } from "./monitoringStack";

describeMonitoringStack("local");
