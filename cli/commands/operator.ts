import { Command } from 'commander';

/** `enlarger operator`: reconciles ImagePlatforms in the cluster of KUBECONFIG, or in-cluster. */
export const operatorCommand = () =>
  new Command('operator')
    .description('run the ImagePlatform operator (KUBECONFIG, or the in-cluster service account)')
    .action(async () => {
      // operator/main.ts is the operator's entry point (also `make run`); it
      // parses its config, starts, and owns the process exit code.
      await import('../../operator/main.js');
    });
