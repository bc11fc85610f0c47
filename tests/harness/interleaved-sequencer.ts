import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * vitest's own order (previous durations, longest first, else file size), then the files of the
 * `project` spread evenly among the others instead of all coming first: with the unit files and
 * the parallel end-to-end files sharing the workers, a worker mostly runs one end-to-end file (which
 * waits on the products and calls it starts) while the others run CPU-bound unit files, rather than
 * every worker starting products at the same time. Only the order of the queue changes: which files
 * run and how (workers, isolation, groups) is vitest's.
 */
export function interleavedSequencer(project: string): typeof BaseSequencer {
  return class InterleavedSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      const spread = sorted.filter((spec) => spec.project.name === project);
      const others = sorted.filter((spec) => spec.project.name !== project);
      if (spread.length === 0 || others.length === 0) return sorted;
      const step = Math.ceil(others.length / spread.length);
      const order: TestSpecification[] = [];
      spread.forEach((spec, i) => order.push(spec, ...others.slice(i * step, (i + 1) * step)));
      return order.concat(others.slice(spread.length * step));
    }
  };
}
