// Test runs keep the logs quiet unless LOG_LEVEL asks otherwise; servers still log where a test looks.
process.env.LOG_LEVEL ??= 'silent';
