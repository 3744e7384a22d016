import { defineTable } from '../src/sdk/define-table.ts';

const REGIONS: Record<string, readonly string[]> = {
  West: ['CA', 'OR', 'WA'],
  East: ['NY', 'NJ', 'PA'],
  South: ['TX', 'AZ', 'NM'],
};

/** Reference data, not SQL: a state missing here maps to Other (`coalesce(r.region, 'Other')`). */
export default defineTable({
  name: 'ref_state_regions',
  description:
    "Sales region of a US state code; states not listed are region 'Other'. Seeded by sluice init.",
  columns: {
    state: { type: 'string', required: true, description: 'Two-letter state code, upper case' },
    region: { type: 'string', required: true, description: 'West, East or South' },
  },
  primaryKey: ['state'],
  seed: Object.entries(REGIONS).flatMap(([region, states]) => states.map((state) => ({ state, region }))),
});
