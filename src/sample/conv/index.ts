/** Loads every converter module so that their keywords are registered. */
import './string.js';
import './arith.js';
import './encode.js';
import './net.js';
import './map.js';
