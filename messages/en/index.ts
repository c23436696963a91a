import catalogue from './catalogue.json';
import errors from './errors.json';
import results from './results.json';

/** Every word a user reads in English, one JSON file per area, merged under the file's name. */
const en = { errors, catalogue, results };

export default en;
