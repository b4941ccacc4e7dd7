/** Loads every fetch module so that their keywords are registered. */
import './internal.js';
import './l4.js';
import './payload.js';
import './http.js';
import './body.js';
import './stick.js';
