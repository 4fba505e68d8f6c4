import { UsageError, parseBenchArguments } from '../../bench/options';

describe('parseBenchArguments', () => {
  it("defaults to the full bench: 100,000 citizens, 30 s, 10 to 60 s of warm-up, 3 repetitions, c=1 and 16, every shape and target on the bench's own MySQL server", () => {
    const options = parseBenchArguments([]);
    expect(options).toMatchObject({
      citizens: 100_000,
      scaleCitizens: null,
      durationSeconds: 30,
      warmupSeconds: 10,
      warmupMaxSeconds: 60,
      repetitions: 3,
      concurrencies: [1, 16],
      engine: 'mysql',
      databaseServer: 'own',
      smoke: false,
    });
    expect(options.shapes).toEqual(['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8']);
    expect(options.targets).toEqual([
      'direct',
      'apollo',
      'apollo-keepalive',
      'ours-off',
      'ours-policy',
      'ours-full',
      'ours-full-database',
      'ours-bare',
      'ours-production',
      'ours-redis',
      'ours-replicas',
      'hive',
      'hive-router',
    ]);
    expect(options.cpus).toEqual({ gateway: '0', subgraphs: '1', load: '1' });
  });

  it('profiles nothing by default; --profile takes no value and leaves the other options as they were', () => {
    expect(parseBenchArguments([]).profile).toBe(false);
    expect(parseBenchArguments(['--profile', '--duration', '2'])).toMatchObject({ profile: true, durationSeconds: 2 });
    expect(parseBenchArguments(['--duration', '2', '--profile'])).toMatchObject({ profile: true, durationSeconds: 2 });
  });

  it('makes --smoke small and short, on SQLite, unless told otherwise', () => {
    expect(parseBenchArguments(['--smoke'])).toMatchObject({
      citizens: 2_000,
      durationSeconds: 1,
      warmupSeconds: 0,
      warmupMaxSeconds: 0,
      repetitions: 1,
      concurrencies: [1],
      engine: 'sqlite',
      smoke: true,
    });
    expect(parseBenchArguments(['--smoke', '--duration', '2', '--engine=mysql'])).toMatchObject({ durationSeconds: 2, engine: 'mysql' });
  });

  it('reads lists in either form and keeps the declared order', () => {
    const options = parseBenchArguments(['--shapes=Q4,Q1', '--targets', 'hive-router,direct', '--concurrency', '16,1,16', '--gateway-cpus', '0-1']);
    expect(options.shapes).toEqual(['Q1', 'Q4']);
    expect(options.targets).toEqual(['direct', 'hive-router']);
    expect(options.concurrencies).toEqual([16, 1]);
    expect(options.cpus.gateway).toBe('0-1');
  });

  it('takes the two-replica target, alone or among others, in the declared order, with --smoke too', () => {
    expect(parseBenchArguments(['--targets', 'ours-replicas']).targets).toEqual(['ours-replicas']);
    expect(parseBenchArguments(['--smoke', '--targets', 'ours-replicas,direct,ours-full']).targets).toEqual(['direct', 'ours-full', 'ours-replicas']);
    expect(parseBenchArguments(['--smoke']).targets).toContain('ours-replicas');
  });

  it('takes a second data set for the scale target, and a least and a most warm-up', () => {
    expect(parseBenchArguments(['--scale-citizens', '1000000'])).toMatchObject({ citizens: 100_000, scaleCitizens: 1_000_000 });
    expect(parseBenchArguments(['--warmup', '1', '--warmup-max', '4'])).toMatchObject({ warmupSeconds: 1, warmupMaxSeconds: 4 });
    expect(parseBenchArguments(['--warmup', '90'])).toMatchObject({ warmupSeconds: 90, warmupMaxSeconds: 90 });
    expect(parseBenchArguments(['--database-server', 'external'])).toMatchObject({ databaseServer: 'external' });
  });

  it.each([
    [['--scale-citizens', '100000'], /--scale-citizens must differ from --citizens/],
    [['--warmup', '20', '--warmup-max', '10'], /--warmup-max \(10\) must be at least --warmup \(20\)/],
    [['--database-server', 'shared'], /--database-server must be own or external/],
    [['--agencies', 'file.json'], /unknown option --agencies/],
    [['--citizens', 'many'], /--citizens must be a whole number/],
    [['--duration', '0.1'], /--duration must be a number from 0.5/],
    [['--shapes', 'Q9'], /--shapes takes a comma-separated list of Q1, Q2/],
    [['--targets', 'nginx'], /--targets takes a comma-separated list/],
    [['--load-cpus', 'first'], /--load-cpus takes a CPU list/],
    [['--engine', 'postgres'], /--engine must be mysql or sqlite/],
    [['--colour', 'blue'], /unknown option --colour/],
    [['--duration'], /--duration needs a value/],
    [['Q1'], /unexpected argument "Q1"/],
  ])('refuses %j with a message that says what is wrong', (argv, message) => {
    expect(() => parseBenchArguments(argv)).toThrow(UsageError);
    expect(() => parseBenchArguments(argv)).toThrow(message);
  });
});
