import { UPDATE_COMMAND, diffReports } from '../../scripts/api-report';

/**
 * The public surface of every package is committed under api/; a change to a barrel that does
 * not update the report fails here, so the change is visible in review.
 */
describe('public API report', () => {
  it('matches the committed api/*.api.md files', () => {
    const problems = diffReports();
    if (problems.length > 0) {
      throw new Error(
        `${problems.join('\n')}\n\nThe public API changed. If that is intended, run \`${UPDATE_COMMAND}\` and commit api/.`,
      );
    }
  }, 60_000);
});
