import { EXIT_OK } from '../core/cli-error';
import type { CommandSpec } from '../core/command.types';
import { formatTable } from '../output/table';
import { familyView } from '../output/views';

const list: CommandSpec = {
  path: ['families', 'list'],
  summary: 'List the model families the training service can train',
  async run(ctx) {
    const families = (await ctx.rpc.unary('training', (c) => c.listFamilies, {})).families.map(familyView);
    ctx.emit({ families }, () =>
      formatTable(
        ['name', 'density', 'capabilities'],
        families.map((f) => [f.name, f.density, f.capabilities.join(',')]),
      ),
    );
    return EXIT_OK;
  },
};

export const familyCommands: readonly CommandSpec[] = [list];
