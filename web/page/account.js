// The account page module: passwords, logging out everywhere, reset links (the
// messages and their update live in ../account.js).
export { accountUpdate as update } from '../account.js';
