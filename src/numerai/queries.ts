/**
 * GraphQL documents sent to Numerai, taken from the official clients (see
 * ../shared/numerai-api.md §2) so that we ask exactly what is known to work.
 */

/** vladthestaker's lookup (no token), plus `username` for the canonical name. */
export const LOOKUP_MODEL = `
  query($modelName: String!) {
    v3UserProfile(modelName: $modelName) {
      id
      username
    }
  }
`;

/**
 * numerapi `models_of_account`: every model of an account, no token. numerapi declares
 * `$username: Str!`, which looks like a typo; the schema's type is `String!`.
 */
export const ACCOUNT_MODELS = `
    query($username: String!
          $tournament: Int) {
        accountProfile(username: $username
                       tournament: $tournament){
            models {
            id
            displayName
            }
        }
    }
`;

/**
 * numerapi `round_model_performances_v2` (2.21.0) field list, with the round-number filters of the
 * introspection schema and `distinctOnRound` (sent by Numerai's own website) added as variables;
 * null variables mean "no filter", as the website sends them.
 */
export const ROUND_MODEL_PERFORMANCES = `
  query($modelId: String!
        $tournament: Int!
        $roundNumberGte: Int
        $roundNumberLte: Int
        $lastNRounds: Int
        $distinctOnRound: Boolean) {
    v2RoundModelPerformances(modelId: $modelId
                             tournament: $tournament
                             roundNumberGte: $roundNumberGte
                             roundNumberLte: $roundNumberLte
                             lastNRounds: $lastNRounds
                             distinctOnRound: $distinctOnRound) {
        atRisk
        corrMultiplier,
        mmcMultiplier,
        roundPayoutFactor,
        roundNumber,
        roundOpenTime,
        roundResolveTime,
        roundResolved,
        roundTarget,
        submissionScores {
            date
            day
            displayName
            payoutPending
            payoutSettled
            percentile
            value
        }
    }
  }
`;

/** numerapi 2.23 `submission_scores`, verbatim: the flat endpoint that replaces v2RoundModelPerformances. */
export const SUBMISSION_SCORES = `
  query($modelId: ID!
        $displayName: String
        $version: String
        $day: Int
        $resolved: Boolean
        $tournament: Int
        $lastNRounds: Int
        $distinctOnRound: Boolean) {
    submissionScores(modelId: $modelId
                     displayName: $displayName
                     version: $version
                     day: $day
                     resolved: $resolved
                     tournament: $tournament
                     lastNRounds: $lastNRounds
                     distinctOnRound: $distinctOnRound) {
        roundId
        submissionId
        roundNumber
        roundResolveTime
        roundScoreTime
        roundCloseStakingTime
        value
        percentile
        displayName
        version
        date
        day
        resolveDate
        resolved
    }
  }
`;

/** numerapi `get_current_round`: "zero is an alias for the current round!" */
export const CURRENT_ROUND = `
    query($tournament: Int!) {
      rounds(tournament: $tournament
             number: 0) {
        number
      }
    }
`;

/** vladthestaker's current round: the largest number among all rounds (works between rounds too). */
export const ALL_ROUND_NUMBERS = `
    query($tournament: Int!) {
      rounds(tournament: $tournament) {
        number
      }
    }
`;

/** numerapi 2.23 `list_rounds`, verbatim. */
export const LIST_ROUNDS = `
    query($tournament: Int
          $number: Int
          $target: String
          $status: RoundStatus
          $limit: Int) {
      rounds(tournament: $tournament
             number: $number
             target: $target
             status: $status
             limit: $limit) {
        id
        tournament
        number
        target
        closeTime
        closeStakingTime
        openTime
        scoreTime
        resolveTime
        resolvedGeneral
        resolvedStaking
        payoutFactor
        stakeThreshold
        minCorrMultiplier
        maxCorrMultiplier
        defaultCorrMultiplier
        minMmcMultiplier
        maxMmcMultiplier
        defaultMmcMultiplier
        dataDatestamp
      }
    }
`;
