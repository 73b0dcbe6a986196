import { exampleSuite } from '../../__fixtures__/example-platform/example.suite';
import { runAdapterContract } from './run-adapter-contract';

// The reference adapter passes every check, exactly as a platform adapter's <platform>.contract.spec.ts would run it.
runAdapterContract(exampleSuite());
