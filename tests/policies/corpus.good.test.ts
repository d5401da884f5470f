/** The corpus's good stacks: each must pass, no config error and no mandatory violation (tests/support/corpusRun.ts). */
import { describeGoodCorpus } from "../support/corpusRun";

describeGoodCorpus();
