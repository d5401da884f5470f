/** The corpus's bad stacks: each must be refused for the reason it lists (runner and format: tests/support/corpusRun.ts). */
import { describeBadCorpus } from "../support/corpusRun";

describeBadCorpus();
