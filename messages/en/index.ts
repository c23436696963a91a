import audit from './audit.json';
import catalogue from './catalogue.json';
import csv from './csv.json';
import errors from './errors.json';
import results from './results.json';
import forms from './forms.json';
import pages from './pages.json';
import runs from './runs.json';
import ui from './ui.json';
import userIds from './userIds.json';
import validation from './validation.json';

/**
 * Every word a user reads in English, one JSON file per area, merged under the file's name. A code
 * `area.key` has its words at `area.key` (csv.json, userIds.json); use-case error codes at
 * `errors.area.key`, except `csv.*`, whose words are all in csv.json. TIM codes and other failures
 * are in catalogue.json, result texts and labels in results.json;
 * the words of the frame in ui.json, of pages in pages.json, of form components in forms.json
 * and of run and result components in runs.json, one area per page or component.
 */
const en = { errors, catalogue, results, csv, userIds, audit, validation, ui, pages, forms, runs };

export default en;
