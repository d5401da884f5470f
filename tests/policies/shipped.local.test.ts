import { describeShippedStack } from "./support/shipped";

describeShippedStack("local");
