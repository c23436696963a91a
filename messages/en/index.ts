import audit from './audit.json';
import catalogue from './catalogue.json';
import csv from './csv.json';
import errors from './errors.json';
import results from './results.json';
import userIds from './userIds.json';
import validation from './validation.json';

/**
 * Every word a user reads in English, one JSON file per area, merged under the file's name. A code
 * `area.key` has its words at `area.key` (csv.json, userIds.json); use-case error codes at
 * `errors.area.key`, except `csv.*`, whose words are all in csv.json. TIM codes and other failures
 * are in catalogue.json, result texts and labels in results.json.
 */
const en = { errors, catalogue, results, csv, userIds, audit, validation };

export default en;
