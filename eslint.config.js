// ESLint flat config. TypeScript files get the type-aware typescript-eslint rules (they read the
// types from tsconfig.json through the project service); the dashboard's plain browser script gets
// the untyped JavaScript rules only. Formatting is prettier's job, so no stylistic rules here.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/", "coverage/", "test-results/", "bench/results/", "data/", "node_modules/", "test/fixtures/"],
  },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["vitest.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // tsc already reports unused locals and parameters (noUnusedLocals/noUnusedParameters); a
      // second report of the same thing with different exemptions only adds noise.
      "@typescript-eslint/no-unused-vars": "off",
      // Functions that implement a Promise-returning interface (verbs, channels, fake clocks) are
      // `async` even without an `await` on purpose: a synchronous throw then becomes a rejection,
      // which is what their callers catch.
      "@typescript-eslint/require-await": "off",
      // A `let` that callbacks read before its one assignment (they check it for undefined) would
      // throw in its temporal dead zone as a `const`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read HTTP bodies, parsed JSON and YAML as `any` on purpose: the expect() that follows is
    // the type check, and declaring a type for every response a test inspects would only restate
    // the assertion. Production code gets the no-unsafe-* rules in full.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["web/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    files: ["eslint.config.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
