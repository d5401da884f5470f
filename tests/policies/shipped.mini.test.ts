import { describeShippedStack } from "./support/shipped";

describeShippedStack("mini");
