import errors from './errors.json';

/** Every word a user reads in English, one JSON file per area, merged under the file's name. */
const en = { errors };

export default en;
